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
          {"index": 3, "type": "ParticipantJoined", "visibility": "All", "timestamp": "{{string}}", "from": {"nickname": "{{string}}", "type": "Agent", "participantId": "{{regex:^[0-9A-F]{16}$}}"}}
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
              {"index": 3, "type": "ParticipantJoined", "from": {"type": "Agent"}, "text": "{{absent}}"}
            ]
          }
        }
      }
      """

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

  Scenario Outline: A nickname out of bounds is refused (<case>)
    When alice tries to accept it as "<nickname>"
    Then the request is refused with status 400, naming "nickname"
    And no one else is notified
    And alice sees it as Invited

    Examples:
      | case      | nickname                                                          |
      | empty     |                                                                   |
      | too long  | AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA |

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

  Scenario: The agent asks for the whole transcript; only she receives it
    Given alice accepts it
    And alice is notified that it is Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, SendMessage, SendNotification and RequestChatHistory
    And alice receives the chat history with 3 events
    When alice requests the chat history
    Then alice receives the chat history with 3 events
    And alice's notification carries the referenceId of her last request
    And no one else is notified

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

  Scenario: An index below 1 is refused
    Given alice accepts it
    And alice is notified that it is Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, SendMessage, SendNotification and RequestChatHistory
    And alice receives the chat history with 3 events
    When alice tries to request the chat history from index 0
    Then the request is refused with status 400
    And no one else is notified

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

  Scenario: An agent who is not a party cannot write
    Given alice accepts it
    And alice is notified that it is Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, SendMessage, SendNotification and RequestChatHistory
    And alice receives the chat history with 3 events
    When bob tries to write "Hi, I am Bob."
    Then the request is refused with status 403
    When bob tries to request the chat history
    Then the request is refused with status 403
    And no one else is notified

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

  Scenario: Chat operations on an email are refused
    Given an email is routed to bob
    And bob accepts it
    And bob is notified that it is Processing with capability set StopProcessing, PlaceInQueue, UpdateProperties, PlaceInWorkbin, Transfer, StartConference, Reply, ReplyAll and Forward
    When bob tries to write "Hello"
    Then the request is refused with status 400
    When the customer tries to write "Hello"
    Then the response status is 400
    And no one else is notified
