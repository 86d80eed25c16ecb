@chat
Feature: Chat conversations
  A chat is a conversation between a customer (driven through the control
  API: POST /control/v1/interactions/{id}/chat/messages and .../chat/leave)
  and the agents who are its parties (the owner and conference members).
  Every event of the conversation (Text, TypingStarted, TypingStopped,
  ParticipantJoined, ParticipantLeft) is appended to the transcript
  (chat_object.transcript, indexes from 1) and sent to every party as a
  message-log notification (MessageLogUpdated, notificationType
  NewMessages, one event in messages); the copy of the party whose request
  caused it carries the request's referenceId. An agent who accepts
  receives the whole transcript so far in one such notification, after her
  StatusChange; an agent whose part ends (StopProcessing, LeaveConference)
  is sent her ParticipantLeft like every party, before her StatusChange. A party
  writes with SendMessage, types with SendNotification and asks for the
  transcript with RequestChatHistory; these capabilities are listed while
  they are allowed (SendMessage and SendNotification only while the
  customer is in the chat).

  Background:
    Given alice, bob and carol are listening
    And a chat is routed to alice

  @B7.1 @B7.3 @B7.8 @B7.10 @B7.11 @B3.3 @B4.4 @B4.16
  Scenario: The accepting agent owns the chat and receives its whole transcript
    When alice accepts it
    Then alice is notified that it is Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, SendMessage, SendNotification and RequestChatHistory
    And alice's notification carries the referenceId of her last request
    And alice receives on /v2/me/interactions:
      """
      {
        "messageType": "MessageLogUpdated",
        "messageTypeName": "MessageLogUpdated",
        "notificationType": "NewMessages",
        "id": "{{it}}",
        "uri": "{{it.uri}}",
        "messages": [
          {"index": 1, "type": "ParticipantJoined", "visibility": "All", "timestamp": "{{string}}", "from": {"nickname": "Jane", "type": "Client", "participantId": "{{capture:jane}}"}},
          {"index": 2, "type": "Text", "text": "Hello, my parcel never arrived.", "visibility": "All", "timestamp": "{{string}}", "from": {"nickname": "Jane", "type": "Client", "participantId": "{{capture:jane}}"}},
          {"index": 3, "type": "ParticipantJoined", "visibility": "All", "timestamp": "{{string}}", "from": {"nickname": "{{string}}", "type": "Agent", "participantId": "{{capture:alicepid}}"}}
        ]
      }
      """
    And alice's notification carries the referenceId of her last request
    And no one else is notified
    When alice sends GET /api/v2/interactions/{{it}}
    Then the response status is 200
    And the response matches:
      """
      {
        "interaction": {
          "id": "{{it}}",
          "chat_object": {
            "nickname": "Jane",
            "transcript": [
              {"index": 1, "type": "ParticipantJoined", "from": {"type": "Client", "participantId": "{{jane}}"}, "text": "{{absent}}"},
              {"index": 2, "type": "Text", "from": {"type": "Client", "participantId": "{{jane}}"}, "text": "Hello, my parcel never arrived."},
              {"index": 3, "type": "ParticipantJoined", "from": {"type": "Agent", "participantId": "{{alicepid}}"}, "text": "{{absent}}"}
            ]
          }
        }
      }
      """

  @B7.1 @B7.3 @B7.5 @B7.10
  Scenario: The agent joins under the nickname she chose
    When alice accepts it as "Ally"
    Then alice is notified that it is Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, SendMessage, SendNotification and RequestChatHistory
    And alice receives on /v2/me/interactions:
      """
      {
        "messageTypeName": "MessageLogUpdated",
        "id": "{{it}}",
        "messages": [
          {"index": 1, "type": "ParticipantJoined"},
          {"index": 2, "type": "Text"},
          {"index": 3, "type": "ParticipantJoined", "from": {"nickname": "Ally", "type": "Agent"}}
        ]
      }
      """
    And no one else is notified
    When alice writes "Let me check."
    Then alice receives the chat message "Let me check." from "Ally"
    And no one else is notified
    When alice sends GET /api/v2/interactions/{{it}}
    Then the response matches:
      """
      {"interaction": {"chat_object": {"transcript": [{"index": 1}, {"index": 2}, {"index": 3, "type": "ParticipantJoined", "from": {"nickname": "Ally", "type": "Agent"}}, {"index": 4, "type": "Text", "text": "Let me check.", "from": {"nickname": "Ally", "type": "Agent"}}]}}}
      """

  @B7.3 @B7.8
  Scenario Outline: A nickname of 64 characters, the longest allowed, is taken (<case>)
    When alice accepts it as "<nickname>"
    Then alice is notified that it is Processing
    And alice receives on /v2/me/interactions:
      """
      {"messageTypeName": "MessageLogUpdated", "id": "{{it}}", "messages": [{"index": 1}, {"index": 2}, {"index": 3, "type": "ParticipantJoined", "from": {"nickname": "<nickname>", "type": "Agent"}}]}
      """
    And no one else is notified

    Examples:
      | case                    | nickname |
      | ASCII                   | NNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNNN |
      | two bytes per character | éééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééééé |

  @B7.3 @B4.15 @B4.17
  Scenario Outline: A nickname out of bounds is refused (<case>)
    When alice tries to accept it as "<nickname>"
    Then the request is refused with status 400, naming "nickname"
    And no one else is notified
    And alice sees it as Invited

    Examples:
      | case      | nickname                                                          |
      | empty     |                                                                   |
      | too long  | AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA |

  @B7.1 @B7.3 @B7.8 @B7.11
  Scenario: What the customer writes before anyone accepts is in the transcript the agent receives
    When the customer writes "Is anyone there?"
    Then nobody receives a notification
    When alice accepts it
    Then alice is notified that it is Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, SendMessage, SendNotification and RequestChatHistory
    And alice receives the chat history with 4 events
    And alice's last notification matches:
      """
      {"messages": [{}, {}, {"type": "Text", "text": "Is anyone there?", "from": {"type": "Client"}}, {"type": "ParticipantJoined"}]}
      """
    And no one else is notified

  @B7.1 @B7.5 @B7.8 @B3.3 @B4.16
  Scenario: The customer and the agent write to each other
    Given alice accepts it
    And alice is notified that it is Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, SendMessage, SendNotification and RequestChatHistory
    And alice receives the chat history with 3 events
    When the customer writes "Any news?"
    Then alice receives the chat message "Any news?" from the customer
    And alice's notification carries no referenceId
    And no one else is notified
    When alice writes "It left our warehouse yesterday."
    Then alice receives the chat message "It left our warehouse yesterday." from an agent
    And alice's notification carries the referenceId of her last request
    And no one else is notified
    When alice sends GET /api/v2/interactions/{{it}}
    Then the response has 5 interaction.chat_object.transcript
    And the response matches:
      """
      {"interaction": {"chat_object": {"transcript": [{"index": 1}, {"index": 2}, {"index": 3}, {"index": 4, "type": "Text", "text": "Any news?", "from": {"type": "Client"}}, {"index": 5, "type": "Text", "text": "It left our warehouse yesterday.", "from": {"type": "Agent"}}]}}}
      """

  @B7.3 @B7.4 @B7.5 @B7.8 @B7.10 @B4.12 @B4.13
  Scenario: Every party of a conference receives every event; only the writer's copy carries the referenceId
    Given alice accepts it
    And alice is notified that it is Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, SendMessage, SendNotification and RequestChatHistory
    And alice receives the chat history with 3 events
    And alice invites carol to a conference on it
    And carol is notified that it is InvitedConference
    And alice is notified that the participants are now alice as Owner and carol as InvitedConference
    When carol accepts it
    Then carol is notified that it is Processing with capability set UpdateProperties, EndConference, SendMessage, SendNotification and RequestChatHistory
    And carol receives the chat history with 4 events
    And carol's notification carries the referenceId of her last request
    And alice is notified that the participants are now alice as Owner and carol as Member
    And alice receives the chat event ParticipantJoined from an agent
    And alice's notification carries no referenceId
    And no one else is notified
    When the customer writes "Any news?"
    Then alice receives the chat message "Any news?" from the customer
    And carol receives the chat message "Any news?" from the customer
    And no one else is notified
    When carol writes "I am looking into it."
    Then carol receives the chat message "I am looking into it." from an agent
    And carol's notification carries the referenceId of her last request
    And alice receives the chat message "I am looking into it." from an agent
    And alice's notification carries no referenceId
    And no one else is notified
    When carol leaves the conference
    Then carol receives the chat event ParticipantLeft from an agent
    And carol's notification carries the referenceId of her last request
    And carol is notified that it is LeftConference
    And alice receives the chat event ParticipantLeft from an agent
    And alice's notification carries no referenceId
    And alice is notified that carol left the conference
    And no one else is notified

  @B7.1 @B7.6 @B7.8 @B7.11
  Scenario: Typing notifications reach every party
    Given alice accepts it
    And alice is notified that it is Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, SendMessage, SendNotification and RequestChatHistory
    And alice receives the chat history with 3 events
    When the customer starts typing
    Then alice receives the chat event TypingStarted from the customer
    When the customer stops typing
    Then alice receives the chat event TypingStopped from the customer
    When alice starts typing
    Then alice receives the chat event TypingStarted from an agent
    And alice's notification carries the referenceId of her last request
    When alice stops typing
    Then alice receives the chat event TypingStopped from an agent
    And alice's notification carries the referenceId of her last request
    And no one else is notified
    When alice sends GET /api/v2/interactions/{{it}}
    Then the response matches:
      """
      {"interaction": {"chat_object": {"transcript": [{"index": 1}, {"index": 2}, {"index": 3},
        {"index": 4, "type": "TypingStarted", "from": {"type": "Client"}, "text": "{{absent}}"},
        {"index": 5, "type": "TypingStopped", "from": {"type": "Client"}, "text": "{{absent}}"},
        {"index": 6, "type": "TypingStarted", "from": {"type": "Agent"}, "text": "{{absent}}"},
        {"index": 7, "type": "TypingStopped", "from": {"type": "Agent"}, "text": "{{absent}}"}]}}}
      """

  @B7.6
  Scenario Outline: Typing under the other names of the operation (<name>)
    Given alice accepts it
    And alice is notified that it is Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, SendMessage, SendNotification and RequestChatHistory
    And alice receives the chat history with 3 events
    When alice sends POST /api/v2/me/interactions/{{it}} with:
      """
      <body>
      """
    Then alice's request succeeds
    And alice receives the chat event <type> from an agent
    And alice's notification carries the referenceId of her last request
    And no one else is notified

    Examples:
      | name                         | body                                                                  | type          |
      | the parameter notifcation    | {"operationName": "SendNotification", "notifcation": "TypingStarted"} | TypingStarted |
      | SendStartTypingNotification  | {"operationName": "SendStartTypingNotification"}                      | TypingStarted |
      | SendStopTypingNotification   | {"operationName": "SendStopTypingNotification"}                       | TypingStopped |

  @B7.6 @B7.9 @B4.15
  Scenario Outline: A typing notification is refused without exactly one known notification (<case>)
    Given alice accepts it
    And alice is notified that it is Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, SendMessage, SendNotification and RequestChatHistory
    And alice receives the chat history with 3 events
    When alice sends POST /api/v2/me/interactions/{{it}} with:
      """
      <body>
      """
    Then the request is refused with status 400
    And no one else is notified

    Examples:
      | case          | body                                                                                             |
      | none          | {"operationName": "SendNotification"}                                                            |
      | both spelling | {"operationName": "SendNotification", "notification": "TypingStarted", "notifcation": "TypingStarted"} |
      | unknown       | {"operationName": "SendNotification", "notification": "Dancing"}                                |

  @B7.7 @B4.16
  Scenario: The agent asks for the whole transcript; only she receives it
    Given alice accepts it
    And alice is notified that it is Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, SendMessage, SendNotification and RequestChatHistory
    And alice receives the chat history with 3 events
    When alice requests the chat history
    Then alice receives the chat history with 3 events
    And alice's notification carries the referenceId of her last request
    And no one else is notified
    When alice sends GET /api/v2/interactions/{{it}}
    Then the response has 3 interaction.chat_object.transcript

  @B7.7
  Scenario Outline: The agent asks for the transcript from an index (<case>)
    Given alice accepts it
    And alice is notified that it is Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, SendMessage, SendNotification and RequestChatHistory
    And alice receives the chat history with 3 events
    When alice requests the chat history from index <from>
    Then alice receives the chat history with <n> events from index <from>
    And alice's notification carries the referenceId of her last request
    And no one else is notified

    Examples:
      | case            | from | n  |
      | the first event | 1    | 3  |
      | the middle      | 2    | 2  |
      | the last event  | 3    | 1  |
      | past the end    | 4    | no |

  @B7.7
  Scenario: The index may be given as eventId
    Given alice accepts it
    And alice is notified that it is Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, SendMessage, SendNotification and RequestChatHistory
    And alice receives the chat history with 3 events
    When alice sends POST /api/v2/me/interactions/{{it}} with:
      """
      {"operationName": "RequestChatHistory", "eventId": 3}
      """
    Then alice's request succeeds
    And alice receives the chat history with 1 event from index 3
    And alice's notification carries the referenceId of her last request
    And no one else is notified

  @B7.7 @B7.9
  Scenario: An index below 1 is refused
    Given alice accepts it
    And alice is notified that it is Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, SendMessage, SendNotification and RequestChatHistory
    And alice receives the chat history with 3 events
    When alice tries to request the chat history from index 0
    Then the request is refused with status 400
    And no one else is notified

  @B7.4 @B7.7 @B7.9 @B7.10 @B7.11 @B4.2
  Scenario: The customer leaves: every party is told, writing stops, the agent can still finish
    Given alice accepts it
    And alice is notified that it is Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, SendMessage, SendNotification and RequestChatHistory
    And alice receives the chat history with 3 events
    When the customer leaves
    Then alice receives the chat event ParticipantLeft from the customer
    And alice's notification carries no referenceId
    And no one else is notified
    And alice sees it as Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference and RequestChatHistory
    When alice tries to write "Are you still there?"
    Then the request is refused with status 409, naming "left"
    When alice tries to start typing
    Then the request is refused with status 409
    When alice tries to stop typing
    Then the request is refused with status 409
    When alice requests the chat history from index 4
    Then alice receives the chat history with 1 event from index 4
    And no one else is notified
    When alice stops processing it
    Then alice receives the chat event ParticipantLeft from an agent
    And alice's notification carries the referenceId of her last request
    And alice is notified that it is Completed
    And alice's notification carries the referenceId of her last request
    And no one else is notified

  Scenario: The customer cannot write or leave again after leaving
    Given the customer leaves
    When the customer tries to write "One more thing"
    Then the response status is 409
    And the response matches:
      """
      {"error": "{{string}}"}
      """
    When the customer tries to leave
    Then the response status is 409
    And nobody receives a notification

  Scenario: The customer's message must have text
    When the customer tries to write ""
    Then the response status is 400
    And the response matches:
      """
      {"error": "{{regex:(?i)text}}"}
      """
    And nobody receives a notification

  Scenario: The customer's side answers 404 for an interaction that does not exist
    When control sends POST /control/v1/interactions/0000000000000000/chat/messages with:
      """
      {"text": "Hello?"}
      """
    Then the response status is 404
    When control sends POST /control/v1/interactions/0000000000000000/chat/leave
    Then the response status is 404

  @B7.9
  Scenario: An agent who is not a party cannot write
    Given alice accepts it
    And alice is notified that it is Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, SendMessage, SendNotification and RequestChatHistory
    And alice receives the chat history with 3 events
    When bob tries to write "Hi, I am Bob."
    Then the request is refused with status 403
    When bob tries to request the chat history
    Then the request is refused with status 403
    And no one else is notified

  @B7.5 @B7.9
  Scenario Outline: A message without text is refused (<case>)
    Given alice accepts it
    And alice is notified that it is Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, SendMessage, SendNotification and RequestChatHistory
    And alice receives the chat history with 3 events
    When alice sends POST /api/v2/me/interactions/{{it}} with:
      """
      <body>
      """
    Then the request is refused with status 400, naming "text"
    And no one else is notified

    Examples:
      | case    | body                                             |
      | empty   | {"operationName": "SendMessage", "text": ""}     |
      | missing | {"operationName": "SendMessage"}                 |
      | too long | {"operationName": "SendMessage", "text": "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"} |

  @B7.9 @B7.18
  Scenario: Chat operations on an email are refused
    Given an email is routed to bob
    And bob accepts it
    And bob is notified that it is Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, Reply, ReplyAll and Forward
    When bob tries to write "Hello"
    Then the request is refused with status 400
    When the customer tries to write "Hello"
    Then the response status is 400
    And no one else is notified

  @B7.9 @B4.15 @B4.17
  Scenario Outline: The other chat operations on an email are refused too (<operation>)
    Given an email is routed to bob
    And bob accepts it
    And bob is notified that it is Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, Reply, ReplyAll and Forward
    When bob sends POST /api/v2/me/interactions/{{it}} with:
      """
      <body>
      """
    Then the request is refused with status 400
    And no one else is notified
    And bob sees it as Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, Reply, ReplyAll and Forward

    Examples:
      | operation          | body                                                                   |
      | SendNotification   | {"operationName": "SendNotification", "notification": "TypingStarted"} |
      | RequestChatHistory | {"operationName": "RequestChatHistory"}                                |

  @B7.17 @B7.18 @B4.15 @B4.17
  Scenario Outline: Email operations on a chat are refused (<operation>)
    Given alice accepts it
    And alice is notified that it is Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, SendMessage, SendNotification and RequestChatHistory
    And alice receives the chat history with 3 events
    When alice sends POST /api/v2/me/interactions/{{it}} with:
      """
      <body>
      """
    Then the request is refused with status 400
    And no one else is notified
    And alice sees it as Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, SendMessage, SendNotification and RequestChatHistory

    Examples:
      | operation   | body                                                     |
      | Reply       | {"operationName": "Reply"}                               |
      | Forward     | {"operationName": "Forward", "to": "claims@example.com"} |
      | Send        | {"operationName": "Send"}                                |
      | CancelReply | {"operationName": "CancelReply"}                         |

  @B7.1 @B7.3 @B7.4 @B7.8 @B4.11
  Scenario: An agent who comes back keeps her nickname and participantId; leaving by Transfer is recorded
    Given alice accepts it as "Ally"
    And alice is notified that it is Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, SendMessage, SendNotification and RequestChatHistory
    And alice receives on /v2/me/interactions:
      """
      {"messageTypeName": "MessageLogUpdated", "id": "{{it}}", "messages": [{"index": 1}, {"index": 2}, {"index": 3, "type": "ParticipantJoined", "from": {"nickname": "Ally", "type": "Agent", "participantId": "{{capture:ally}}"}}]}
      """
    When alice transfers it to bob
    Then alice receives on /v2/me/interactions:
      """
      {"messageTypeName": "MessageLogUpdated", "id": "{{it}}", "messages": [{"index": 4, "type": "ParticipantLeft", "from": {"nickname": "Ally", "type": "Agent", "participantId": "{{ally}}"}}]}
      """
    And alice's notification carries the referenceId of her last request
    And alice is notified that it is Transferred
    And bob is notified that it is Invited
    And no one else is notified
    When bob accepts it
    Then bob is notified that it is Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, SendMessage, SendNotification and RequestChatHistory
    And bob receives on /v2/me/interactions:
      """
      {
        "messageTypeName": "MessageLogUpdated",
        "id": "{{it}}",
        "messages": [
          {"index": 1}, {"index": 2}, {"index": 3},
          {"index": 4, "type": "ParticipantLeft", "from": {"nickname": "Ally", "participantId": "{{ally}}"}},
          {"index": 5, "type": "ParticipantJoined", "from": {"type": "Agent", "participantId": "{{capture:bobpid}}"}}
        ]
      }
      """
    And no one else is notified
    When bob transfers it to alice
    Then bob receives the chat event ParticipantLeft from an agent
    And bob is notified that it is Transferred
    And alice is notified that it is Invited
    And no one else is notified
    When alice accepts it
    Then alice is notified that it is Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, SendMessage, SendNotification and RequestChatHistory
    And alice receives on /v2/me/interactions:
      """
      {
        "messageTypeName": "MessageLogUpdated",
        "id": "{{it}}",
        "messages": [
          {"index": 1}, {"index": 2}, {"index": 3}, {"index": 4}, {"index": 5},
          {"index": 6, "type": "ParticipantLeft", "from": {"type": "Agent", "participantId": "{{bobpid}}"}},
          {"index": 7, "type": "ParticipantJoined", "from": {"nickname": "Ally", "type": "Agent", "participantId": "{{ally}}"}}
        ]
      }
      """
    And no one else is notified
    When alice sends GET /api/v2/interactions/{{it}}
    Then the response matches:
      """
      {
        "interaction": {
          "ownerId": "{{alice.id}}",
          "chat_object": {
            "transcript": [
              {"index": 1}, {"index": 2},
              {"index": 3, "type": "ParticipantJoined", "from": {"nickname": "Ally", "participantId": "{{ally}}"}},
              {"index": 4, "type": "ParticipantLeft", "from": {"nickname": "Ally", "participantId": "{{ally}}"}},
              {"index": 5, "type": "ParticipantJoined", "from": {"participantId": "{{bobpid}}"}},
              {"index": 6, "type": "ParticipantLeft", "from": {"participantId": "{{bobpid}}"}},
              {"index": 7, "type": "ParticipantJoined", "from": {"nickname": "Ally", "participantId": "{{ally}}"}}
            ]
          }
        }
      }
      """

  @B7.3
  Scenario: Without a nickname the agent joins under her firstName
    Given alice sends GET /api/v2/me
    And the response field user.firstName is saved as first
    When alice accepts it
    Then alice is notified that it is Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, SendMessage, SendNotification and RequestChatHistory
    And alice receives on /v2/me/interactions:
      """
      {"messageTypeName": "MessageLogUpdated", "id": "{{it}}", "messages": [{"index": 1}, {"index": 2}, {"index": 3, "type": "ParticipantJoined", "from": {"nickname": "{{first}}", "type": "Agent"}}]}
      """
    And no one else is notified

  @B7.1 @B7.4 @B4.9
  Scenario: Placing the chat in a workbin records the agent's leave before her InWorkbin
    Given alice accepts it
    And alice is notified that it is Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, SendMessage, SendNotification and RequestChatHistory
    And alice receives the chat history with 3 events
    When alice places it in workbin alice-workbin
    Then alice receives the chat event ParticipantLeft from an agent
    And alice's notification carries the referenceId of her last request
    And alice is notified that it is InWorkbin
    And alice's last notification matches:
      """
      {"chat_object": {"transcript": [{"index": 1}, {"index": 2}, {"index": 3}, {"index": 4, "type": "ParticipantLeft", "from": {"type": "Agent"}}]}}
      """
    And no one else is notified
    When admin sends GET /api/v2/interactions/{{it}}
    Then the response matches:
      """
      {"interaction": {"state": "InWorkbin", "capabilities": [], "chat_object": {"transcript": [{"index": 1}, {"index": 2}, {"index": 3}, {"index": 4, "type": "ParticipantLeft", "from": {"type": "Agent"}}]}}}
      """

  @B7.1 @B7.4 @B4.2 @B4.3 @B4.16 @B4.20 @B6.8
  Scenario: The control API's stop records the agent's leave before her Completed, and she can still read the chat
    Given alice accepts it
    And alice is notified that it is Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, SendMessage, SendNotification and RequestChatHistory
    And alice receives the chat history with 3 events
    When control sends POST /control/v1/interactions/{{it}}/stop
    Then the response status is 200
    And alice receives the chat event ParticipantLeft from an agent
    And alice's notification carries no referenceId
    And alice is notified that it is Completed
    And alice's notification carries no referenceId
    And alice's last notification matches:
      """
      {"chat_object": {"transcript": [{"index": 1}, {"index": 2}, {"index": 3}, {"index": 4, "type": "ParticipantLeft", "from": {"type": "Agent"}}]}}
      """
    And no one else is notified
    When alice sends GET /api/v2/interactions/{{it}}
    Then the response matches:
      """
      {"interaction": {"state": "Completed", "capabilities": [], "chat_object": {"transcript": [{"index": 1}, {"index": 2}, {"index": 3}, {"index": 4, "type": "ParticipantLeft", "from": {"type": "Agent"}}]}}}
      """

  @B7.1 @B7.3 @B7.5 @B7.6 @B7.7 @B7.8 @B7.10 @B4.16
  Scenario: In a conference the owner's messages and the member's typing reach both, and an invitee hears nothing
    Given alice accepts it
    And alice is notified that it is Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, SendMessage, SendNotification and RequestChatHistory
    And alice receives the chat history with 3 events
    And alice invites carol to a conference on it
    And carol is notified that it is InvitedConference
    And alice is notified that the participants are now alice as Owner and carol as InvitedConference
    When the customer writes "Hello?"
    Then alice receives the chat message "Hello?" from the customer
    And no one else is notified
    When carol accepts it
    Then carol is notified that it is Processing with capability set UpdateProperties, EndConference, SendMessage, SendNotification and RequestChatHistory
    And carol receives the chat history with 5 events
    And alice is notified that the participants are now alice as Owner and carol as Member
    And alice receives the chat event ParticipantJoined from an agent
    And no one else is notified
    When alice writes "Carol will help you."
    Then alice receives the chat message "Carol will help you." from an agent
    And alice's notification carries the referenceId of her last request
    And carol receives the chat message "Carol will help you." from an agent
    And carol's notification carries no referenceId
    And no one else is notified
    When carol starts typing
    Then carol receives the chat event TypingStarted from an agent
    And carol's notification carries the referenceId of her last request
    And alice receives the chat event TypingStarted from an agent
    And alice's notification carries no referenceId
    And no one else is notified
    When carol requests the chat history from index 6
    Then carol receives the chat history with 2 events from index 6
    And carol's notification carries the referenceId of her last request
    And no one else is notified
    When carol sends GET /api/v2/interactions/{{it}}
    Then the response has 7 interaction.chat_object.transcript
    And the response matches:
      """
      {
        "interaction": {
          "state": "Processing",
          "chat_object": {
            "transcript": [
              {"index": 1, "type": "ParticipantJoined", "from": {"type": "Client"}},
              {"index": 2, "type": "Text", "from": {"type": "Client"}},
              {"index": 3, "type": "ParticipantJoined", "from": {"type": "Agent"}},
              {"index": 4, "type": "Text", "text": "Hello?", "from": {"type": "Client"}},
              {"index": 5, "type": "ParticipantJoined", "from": {"type": "Agent"}},
              {"index": 6, "type": "Text", "text": "Carol will help you.", "from": {"type": "Agent"}},
              {"index": 7, "type": "TypingStarted", "from": {"type": "Agent"}, "text": "{{absent}}"}
            ]
          }
        }
      }
      """

  @B7.9 @B7.10 @B7.11 @B4.13
  Scenario: When the customer leaves a conference chat, the member is told too and both lose SendMessage and SendNotification
    Given alice accepts it
    And alice is notified that it is Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, SendMessage, SendNotification and RequestChatHistory
    And alice receives the chat history with 3 events
    And alice invites carol to a conference on it
    And carol is notified that it is InvitedConference
    And alice is notified that the participants are now alice as Owner and carol as InvitedConference
    And carol accepts it
    And carol is notified that it is Processing with capability set UpdateProperties, EndConference, SendMessage, SendNotification and RequestChatHistory
    And carol receives the chat history with 4 events
    And alice is notified that the participants are now alice as Owner and carol as Member
    And alice receives the chat event ParticipantJoined from an agent
    When the customer leaves
    Then alice receives the chat event ParticipantLeft from the customer
    And carol receives the chat event ParticipantLeft from the customer
    And carol's notification carries no referenceId
    And no one else is notified
    And carol sees it as Processing with capability set UpdateProperties, EndConference and RequestChatHistory
    And alice sees it as Processing with capability set StopProcessing, UpdateProperties, StartConference, EndConference and RequestChatHistory
    When carol tries to write "Hello?"
    Then the request is refused with status 409
    When carol tries to start typing
    Then the request is refused with status 409
    And no one else is notified
    When carol leaves the conference
    Then carol receives the chat event ParticipantLeft from an agent
    And carol is notified that it is LeftConference
    And alice receives the chat event ParticipantLeft from an agent
    And alice is notified that carol left the conference with capabilities StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference and RequestChatHistory
    And no one else is notified

  @B7.9 @B7.4 @B4.15
  Scenario: Chat operations on an interaction that does not exist, then on a completed chat, are refused in that order
    Given alice accepts it
    And alice is notified that it is Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, SendMessage, SendNotification and RequestChatHistory
    And alice receives the chat history with 3 events
    When alice sends POST /api/v2/me/interactions/0000000000000000 with:
      """
      {"operationName": "SendMessage", "text": "Hello"}
      """
    Then the request is refused with status 404
    When alice stops processing it
    Then alice receives the chat event ParticipantLeft from an agent
    And alice is notified that it is Completed
    When bob tries to write "Anyone there?"
    Then the request is refused with status 409
    When bob tries to request the chat history
    Then the request is refused with status 409
    When alice tries to start typing
    Then the request is refused with status 409
    And no one else is notified

  @B7.7
  Scenario: fromIndex counts when eventId is given too
    Given alice accepts it
    And alice is notified that it is Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, SendMessage, SendNotification and RequestChatHistory
    And alice receives the chat history with 3 events
    When alice sends POST /api/v2/me/interactions/{{it}} with:
      """
      {"operationName": "RequestChatHistory", "fromIndex": 2, "eventId": 3}
      """
    Then alice's request succeeds
    And alice receives the chat history with 2 events from index 2
    And alice's notification carries the referenceId of her last request
    And no one else is notified

  @B7.1 @B7.11 @B3.3
  Scenario: A chat created without a first message starts with the customer's join alone, which an invitee already reads
    Given an interaction arrives with:
      """
      {"channel": "chat", "agent": "{{bob.userName}}", "chat_object": {"nickname": "Jo"}}
      """
    Then bob receives on /v2/me/interactions:
      """
      {
        "messageTypeName": "InteractionStateMessage",
        "notificationType": "StatusChange",
        "id": "{{it}}",
        "state": "Invited",
        "chat_object": {"nickname": "Jo", "transcript": [{"index": 1, "type": "ParticipantJoined", "visibility": "All", "from": {"nickname": "Jo", "type": "Client"}, "text": "{{absent}}"}]}
      }
      """
    When bob accepts it
    Then bob is notified that it is Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, SendMessage, SendNotification and RequestChatHistory
    And bob receives the chat history with 2 events
    And no one else is notified
    When bob sends GET /api/v2/interactions/{{it}}
    Then the response has 2 interaction.chat_object.transcript

  @B7.8 @B6.4
  Scenario: The message log also comes under the published topic name
    Given dave is listening on /me/interactions
    And an interaction arrives with:
      """
      {"channel": "chat", "agent": "{{dave.userName}}", "chat_object": {"nickname": "Jane", "text": "Hello?"}}
      """
    And dave receives on /me/interactions:
      """
      {"messageTypeName": "InteractionStateMessage", "notificationType": "StatusChange", "id": "{{it}}", "state": "Invited"}
      """
    When dave accepts it
    Then dave receives on /me/interactions:
      """
      {"messageTypeName": "InteractionStateMessage", "notificationType": "StatusChange", "id": "{{it}}", "state": "Processing"}
      """
    And dave receives on /me/interactions:
      """
      {"messageType": "MessageLogUpdated", "messageTypeName": "MessageLogUpdated", "notificationType": "NewMessages", "id": "{{it}}", "uri": "{{it.uri}}", "messages": [{"index": 1}, {"index": 2}, {"index": 3, "type": "ParticipantJoined"}], "referenceId": "{{dave.referenceId}}"}
      """
    When the customer writes "Anyone?"
    Then dave receives on /me/interactions:
      """
      {"messageTypeName": "MessageLogUpdated", "id": "{{it}}", "messages": [{"index": 4, "type": "Text", "text": "Anyone?", "from": {"type": "Client"}}], "referenceId": "{{absent}}"}
      """
    And no one else is notified

  @mock @B7.1
  Scenario: gwsmock's participantIds are 16 characters [0-9A-F], and a customer without a nickname (none or "") is "Customer"
    Given alice accepts it
    And alice is notified that it is Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, SendMessage, SendNotification and RequestChatHistory
    And alice receives on /v2/me/interactions:
      """
      {"messageTypeName": "MessageLogUpdated", "id": "{{it}}", "messages": [
        {"index": 1, "from": {"type": "Client", "participantId": "{{regex:^[0-9A-F]{16}$}}"}},
        {"index": 2, "from": {"type": "Client", "participantId": "{{regex:^[0-9A-F]{16}$}}"}},
        {"index": 3, "from": {"type": "Agent", "participantId": "{{regex:^[0-9A-F]{16}$}}"}}]}
      """
    When alice changes its channel data with:
      """
      {"chat_object": {"nickname": null}}
      """
    Then alice is notified that its channel data is now:
      """
      {"chat_object": {"nickname": "{{absent}}"}}
      """
    When the customer writes "Hello?"
    Then alice receives the chat message "Hello?" from "Customer"
    When alice changes its channel data with:
      """
      {"chat_object": {"nickname": ""}}
      """
    Then alice is notified that its channel data is now:
      """
      {"chat_object": {"nickname": ""}}
      """
    When the customer writes "Still there?"
    Then alice receives the chat message "Still there?" from "Customer"
    And no one else is notified

  @mock @B7.2
  Scenario: A full transcript (1,000 events) refuses messages and typing, but joins and leaves do not fail
    When the customer writes 997 messages
    Then nobody receives a notification
    When alice accepts it
    Then alice receives on /v2/me/interactions:
      """
      {"messageTypeName": "InteractionStateMessage", "notificationType": "StatusChange", "id": "{{it}}", "state": "Processing"}
      """
    And alice receives the chat history with 1000 events
    When alice tries to write "Hello?"
    Then the request is refused with status 409
    When alice tries to start typing
    Then the request is refused with status 409
    When the customer tries to write "Still there?"
    Then the response status is 409
    When control sends POST /control/v1/interactions/{{it}}/chat/messages with:
      """
      {"type": "TypingStarted"}
      """
    Then the response status is 409
    And no one else is notified
    When alice requests the chat history from index 1000
    Then alice receives the chat history with 1 event from index 1000
    When alice stops processing it
    Then alice is notified that it is Completed
    And no one else is notified
    When alice sends GET /api/v2/interactions/{{it}}
    Then the response has 1000 interaction.chat_object.transcript
